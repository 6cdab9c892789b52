x = 5
print(1 < x < 10, 1 < x > 10, 0 <= x <= 5 < 6, 10 > x >= 5 > 4)
a = b = c = 3
print(a == b == c, a == b != 4, 1 < 2 < 3 < 2)
evaluated = []

def val(label, v):
    evaluated.append(label)
    return v

print(val("a", 1) < val("b", 2) < val("c", 3), evaluated)
evaluated.clear()
print(val("a", 5) < val("b", 2) < val("c", 3), evaluated)
print("a" < "b" < "ba" < "c", [1, 2] < [1, 2, 0] < [1, 3])
print((1, "z") < (2, "a"), 3 in [1, 2, 3] in [[1, 2, 3]])
print(1 == 1.0 == True, None is None is not False)
grade = 83
print("B" if 80 <= grade < 90 else "other")
