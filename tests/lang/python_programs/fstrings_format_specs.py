x = 3.14159265
n = 1234567
w = 12
p = 3
print(f"[{x:10.2f}]")
print(f"[{x:<10.3f}] [{x:>10.1f}] [{x:^10.4f}]")
print(f"[{x:{w}.{p}f}]")
print(f"[{x:{'>'}{w}.{p + 1}f}]")
print(f"[{n:,}] [{n:_}] [{n:>12,}] [{-n:+,}]")
print(f"[{255:x}] [{255:#X}] [{255:08b}] [{8:o}] [{255:#o}]")
print(f"[{0.25:%}] [{0.25:.1%}] [{x:e}] [{x:.3E}] [{n:.2e}]")
print(f"[{'txt':*^9}] [{'txt':->6}] [{'txt':<6}]")
print(f"[{42:05d}] [{-42:05d}] [{42:+d}] [{42: d}]")
print(f"[{1e20:g}] [{0.0001:g}] [{123456789.0:g}] [{x:.3g}]")
print(f"[{True}] [{None}] [{True:d}] [{3:.2f}]")
for width in range(3, 7):
    print(f"|{'ab':>{width}}|{width:{width}}|")
