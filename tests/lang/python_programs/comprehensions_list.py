squares = [x * x for x in range(10)]
print(squares)
evens = [x for x in squares if x % 2 == 0]
print(evens)
matrix = [[r * 3 + c for c in range(3)] for r in range(3)]
print(matrix)
print([[row[i] for row in matrix] for i in range(3)])
print([x for row in matrix for x in row if x % 2 == 1])
print([(a, b) for a in range(4) for b in range(a) if (a + b) % 2])
print(["even" if n % 2 == 0 else "odd" for n in range(5)])
words = ["apple", "Banana", "cherry", "date"]
print([w.upper() for w in words if len(w) > 4 if w[0].islower()])
print([len(w) for w in words])
n = 100
print([n for n in range(3)], n)
print([[c for c in w] for w in words[:2]])
