print(7 // 2, -7 // 2, 7 // -2, -7 // -2)
print(7 % 3, -7 % 3, 7 % -3, -7 % -3)
print(divmod(17, 5), divmod(-17, 5), divmod(17, -5))
print(2 ** 10, 2 ** 100, (-2) ** 3, 2 ** -1, 10 ** 0)
print(pow(3, 4), pow(3, 200, 1000), pow(2, 10, 7), pow(7, -1, 11))
print(abs(-12), abs(12), -abs(-3))
print(123456789 * 987654321, 10 ** 30 // 7, -(10 ** 20) % 9)
print(0b1010, 0o17, 0xFF, 1_000_000)
print(6 & 3, 6 | 3, 6 ^ 3, ~6, 1 << 10, 1024 >> 3, -16 >> 2)
print(int(7 / 2), 7 / 2, 8 / 2, type(8 / 2) is float)
print(max(3, 9, -1), min(3, 9, -1), sum(range(101)))
n = 1
for i in range(1, 26):
    n *= i
print(n, len(str(n)))
print(round(7), round(-7), int(True), 3 * "ab", [0] * 4)
