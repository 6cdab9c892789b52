import math

print(math.sqrt(16), math.sqrt(2), math.floor(2.7), math.floor(-2.1), math.ceil(2.1))
print(math.pi, round(math.pi, 4), f"{math.pi:.10f}", math.e)
print(math.gcd(48, 180), math.gcd(0, 7), math.gcd(12, 18, 30), math.lcm(4, 6))
print(math.isclose(0.1 + 0.2, 0.3), math.isclose(1.0, 1.1), math.isclose(1.0, 1.05, rel_tol=0.1))
print(math.factorial(12), math.comb(10, 3), math.perm(5, 2), math.prod([1, 2, 3, 4]))
print(math.hypot(3, 4), math.log(math.e), math.log(8, 2), math.log10(1000), math.log2(1024))
print(round(math.sin(math.pi / 2), 6), round(math.cos(0), 6), math.degrees(math.pi), math.radians(180))
print(math.trunc(-3.7), math.fabs(-2), math.inf > 1e308, math.isnan(math.nan), math.isinf(-math.inf))
print(math.copysign(3, -0.0), math.fsum([0.1] * 10), math.exp(0), math.pow(2, 10), math.isqrt(99))

def circle_area(r):
    return math.pi * r ** 2

print([round(circle_area(r), 3) for r in range(4)])
print(type(math.floor(2.5)) is int, type(math.sqrt(4)) is float)
