def lookup(container, key):
    try:
        return container[key]
    except (KeyError, IndexError) as e:
        kind = "key" if isinstance(e, KeyError) else "index"
        print(f"{kind} error: {e}")
        return None

print(lookup({"a": 1}, "a"))
print(lookup({"a": 1}, "b"))
print(lookup([1, 2], 5))
print(lookup({(1, 2): "pair"}, (1, 2)))
try:
    int("abc")
except (TypeError, ValueError) as e:
    print("bad int:", e)
try:
    "abc".index("z")
except LookupError:
    print("not a lookup error")
except ValueError as e:
    print("value error:", e)
try:
    {}.pop("missing")
except LookupError as e:
    print("lookup error:", e, isinstance(e, KeyError))
try:
    1 / 0
except ArithmeticError as e:
    print("arithmetic:", e, isinstance(e, ZeroDivisionError))
