def mean(values):
    assert len(values) > 0, "mean of empty list"
    return sum(values) / len(values)

print(mean([1, 2, 3, 4]))
assert mean([2]) == 2.0
x = 5
assert 0 < x < 10, f"x out of range: {x}"
print("assertions passed")
try:
    mean([])
except AssertionError as e:
    print("caught:", e)
try:
    assert x > 100
except AssertionError as e:
    print("no message:", repr(str(e)))
try:
    assert [], "empty list is falsy"
except AssertionError as e:
    print(str(e), isinstance(e, Exception))
try:
    assert x == 5
    print("no error")
except AssertionError:
    print("unreachable")
else:
    print("else ran")
finally:
    print("finally ran")
