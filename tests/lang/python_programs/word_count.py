text = """It was the best of times, it was the worst of times,
it was the age of wisdom, it was the age of foolishness"""
words = [w.strip(",.").lower() for w in text.split()]
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
for word, n in top:
    print(f"{word:<8}{n:>3} {'#' * n}")
print(len(words), len(counts), sum(counts.values()) == len(words))
lines = text.splitlines()
print([len(line.split()) for line in lines])
longest = max(words, key=len)
print(longest, len(longest), sorted({w for w in words if len(w) == 3}))
print(" ".join(w.capitalize() for w in lines[1].split()[:4]))
