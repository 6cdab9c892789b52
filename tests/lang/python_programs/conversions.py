print(chr(65), chr(97), chr(8364), ord("A"), ord("€"), ord("\n"))
print(hex(255), hex(-42), bin(10), bin(-5), oct(8), oct(64))
print(int("42"), int(" 7 "), int("1010", 2), int("z", 36), int(-2.9), int("0x1F", 16))
print(float("1.5"), float("-2"), float("1e-3"), float(" 3 "), float(7))
print(bool([]), bool([0]), bool(""), bool("False"), bool(0.0), bool(None))
print(str(12), str(1.0), str([1, "a"]), str(None), str(True), repr("x'y"), repr('x"y'))
print(list("abc"), tuple([1, 2]), list((3, 4)), tuple("hi"), list({"k": 1}), list(range(3)))
print(dict([(1, "a")]), set((1, 1, 2)), sorted(frozenset("aab")), dict(x=1))
print(format(3.14159, ".2f"), format(10, "b"), format(10, "#x"), format(0.5, "%"), format(5, "^5"))
print(int(True), float(False), str(3 + 4j), complex(2), complex(1, -1), complex("3+4j"))
print("".join(chr(ord(c) + 1) for c in "HAL"), [ord(c) - ord("a") for c in "abz"])
print(int("1_000"), float("1_0.5"), round(float("2.675"), 2), int(float("1e3")))
for bad in ["4.5", "abc", ""]:
    try:
        print(int(bad))
    except ValueError as e:
        print("ValueError:", e)
