class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __eq__(self, other):
        return (self.x, self.y) == (other.x, other.y)

    def __repr__(self):
        return f"P({self.x},{self.y})"

class HashedPoint(Point):
    def __hash__(self):
        return hash((self.x, self.y))

p, q = Point(1, 2), Point(1, 2)
print(p == q, p is q, p != q, [p].count(q), q in [p])
try:
    hash(p)
except TypeError as e:
    print("unhashable:", isinstance(e, TypeError))
try:
    print({p})
except TypeError:
    print("cannot put Point in a set")
h = {HashedPoint(1, 2), HashedPoint(1, 2), HashedPoint(2, 1)}
print(len(h), HashedPoint(2, 1) in h)
print(hash(HashedPoint(3, 4)) == hash((3, 4)))
print({HashedPoint(0, 0): "origin"}[HashedPoint(0, 0)])
