def sign(n):
    return "positive" if n > 0 else "zero" if n == 0 else "negative"

print([sign(n) for n in (-2, 0, 7)])
print(0 or "default", "" or [] or None, "first" or "second")
print(1 and 2, 0 and 1 / 0, [] and "never", "x" and "" and "never")
print(not 0, not [1], not None, not "")
print(None or 0 or "" or "last")
name = ""
print(f"Hello, {name or 'stranger'}!")
values = [0, 1, "", "a", [], [0], None, 0.0, {}, set(), (0,)]
print([bool(v) for v in values])
print([v for v in values if v])
print(bool([]), bool(""), bool(0j), bool(-1), bool(" "))
print(True + True, True * 10, False - 1, sum([True, False, True]))
print("yes" if [] else "no", (lambda n: "even" if n % 2 == 0 else "odd")(7))
