n = 27
steps = 0
while n != 1:
    n = n // 2 if n % 2 == 0 else 3 * n + 1
    steps += 1
print("collatz steps:", steps)

i = 0
found = []
while True:
    i += 1
    if i % 3 == 0:
        continue
    if i > 10:
        break
    found.append(i)
print(found)

def first_factor(n):
    k = 2
    while k * k <= n:
        if n % k == 0:
            print(n, "has factor", k)
            break
        k += 1
    else:
        print(n, "is prime")

for value in (91, 97, 1, 49):
    first_factor(value)
