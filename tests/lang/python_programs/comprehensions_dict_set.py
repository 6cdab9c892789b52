words = ["apple", "avocado", "banana", "blueberry", "cherry", "apple"]
lengths = {w: len(w) for w in words}
print(lengths)
by_letter = {}
for w in words:
    by_letter.setdefault(w[0], []).append(w)
print(by_letter)
first_letters = {w[0] for w in words}
print(sorted(first_letters))
squares = {n: n * n for n in range(6) if n % 2}
print(squares)
inverted = {v: k for k, v in squares.items()}
print(inverted)
unique_lengths = {len(w) for w in words}
print(sorted(unique_lengths), len(unique_lengths))
grid = {(r, c): r * c for r in range(3) for c in range(3) if r != c}
print(grid)
print({k: [x * 2 for x in v if x > 1] for k, v in {"a": [1, 2, 3], "b": [0, 5]}.items()})
print({n % 3 for n in range(10)})
