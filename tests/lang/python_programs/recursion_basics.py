def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)

def gcd(a, b):
    return a if b == 0 else gcd(b, a % b)

print([fib(i) for i in range(15)])
print(fact(20), fact(30))
print(gcd(1071, 462))

def hanoi(n, src, dst, via, moves):
    if n == 0:
        return moves
    hanoi(n - 1, src, via, dst, moves)
    moves.append((src, dst))
    hanoi(n - 1, via, dst, src, moves)
    return moves

moves = hanoi(4, "A", "C", "B", [])
print(len(moves), moves[:3], moves[-1])
