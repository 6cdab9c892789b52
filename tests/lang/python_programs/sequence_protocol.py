class Squares:
    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError("out of range")
        return i * i

class Bag:
    def __init__(self, *items):
        self.items = list(items)

    def __iter__(self):
        return iter(self.items)

sq = Squares(5)
print([x for x in sq])
print(list(sq), 9 in sq, 10 in sq)
a, b, *c = Squares(4)
print(a, b, c)
bag = Bag("x", "y", "z")
print("y" in bag, "w" in bag, list(bag), sorted(bag, reverse=True))
print(list(zip(bag, sq)), dict(enumerate(bag)))
print(max(sq), sum(sq), ",".join(bag))
