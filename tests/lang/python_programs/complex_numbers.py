z = 3 + 4j
w = complex(1, -2)
print(z, w, z + w, z - w, z * w, z / w)
print(z.real, z.imag, z.conjugate(), abs(z), abs(w) ** 2)
print(z == complex(3, 4), 1j * 1j, (1j) ** 2 == -1, 2j, -1j, 0j)
print(complex("1.5-2.5j"), complex(2.0), complex(0, 1) + 1, type(z) is complex)
print(round(abs(complex(1, 1)), 6), pow(1j, 4), (1 + 1j) ** 2)
roots = []
a, b, c = 1, 2, 5
disc = b * b - 4 * a * c
root = complex(disc) ** 0.5
for r in ((-b + root) / (2 * a), (-b - root) / (2 * a)):
    roots.append(complex(round(r.real, 9), round(r.imag, 9)))
print(roots)
print(f"{z}", f"{z!r}", f"{w:.2f}", "{:>12}".format(str(z)), repr(complex(-0.0, 1)))
print(sum([1j, 2, 3.5]), bool(0j), bool(1j), z != w)
