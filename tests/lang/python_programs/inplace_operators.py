class Counter:
    def __init__(self):
        self.counts = {}
    def __iadd__(self, word):
        self.counts[word] = self.counts.get(word, 0) + 1
        return self
    def __len__(self):
        return len(self.counts)
    def __repr__(self):
        return f"Counter({self.counts})"

c = Counter()
alias = c
for w in "the cat and the hat and the bat".split():
    c += w
print(c, len(c), c is alias)
nums, t, s = [1, 2], (1, 2), "ab"
same, t2 = nums, t
nums += [3]
t += (3,)
s *= 3
print(nums, same, nums is same, t, t2, t is t2, s)
x, y = 10, 7.0
x -= 3
x *= 4
x //= 3
x **= 2
x %= 50
y /= 2
print(x, y)
