def sieve(limit):
    is_prime = [True] * (limit + 1)
    is_prime[0] = is_prime[1] = False
    for n in range(2, int(limit ** 0.5) + 1):
        if is_prime[n]:
            for multiple in range(n * n, limit + 1, n):
                is_prime[multiple] = False
    return [i for i, p in enumerate(is_prime) if p]

primes = sieve(100)
print(primes)
print(len(primes), sum(primes), primes[-1])

def factorize(n):
    factors = []
    d = 2
    while d * d <= n:
        while n % d == 0:
            factors.append(d)
            n //= d
        d += 1
    if n > 1:
        factors.append(n)
    return factors

for n in (360, 97, 1001, 2 ** 10):
    print(n, "=", " * ".join(map(str, factorize(n))))
print([p for p in primes if p + 2 in primes])
