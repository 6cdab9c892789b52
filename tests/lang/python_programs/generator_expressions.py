nums = [3, 8, -2, 7, 0, 12]
print(sum(x * x for x in nums))
print(any(x < 0 for x in nums), all(x < 100 for x in nums))
print(max(abs(x) for x in nums), min((x for x in nums if x > 0), default=None))
print(sorted((x % 5 for x in nums), reverse=True))
print(tuple(str(x) for x in nums[:3]), list(x for x in "abc"))
print(", ".join(f"<{x}>" for x in nums if x))
checked = []

def is_big(x):
    checked.append(x)
    return x > 5

print(any(is_big(x) for x in nums), checked)
gen = (x * 10 for x in range(3))
print(next(gen), next(gen), list(gen), list(gen))
print(sum(1 for ch in "mississippi" if ch == "s"))
print(max((len(w), w) for w in ["aa", "b", "cccc", "dd"]))
print(dict((k, v) for k, v in zip("xyz", range(3))))
print(set(x % 4 for x in range(20)) == {0, 1, 2, 3})
