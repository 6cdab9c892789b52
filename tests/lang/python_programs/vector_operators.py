class Vec:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __repr__(self):
        return f"Vec({self.x}, {self.y})"
    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)
    def __radd__(self, other):
        return self if other == 0 else self + other
    def __sub__(self, other):
        return Vec(self.x - other.x, self.y - other.y)
    def __mul__(self, k):
        return Vec(self.x * k, self.y * k)
    def __rmul__(self, k):
        return self * k
    def __truediv__(self, k):
        return Vec(self.x / k, self.y / k)
    def __neg__(self):
        return Vec(-self.x, -self.y)
    def __eq__(self, other):
        return isinstance(other, Vec) and (self.x, self.y) == (other.x, other.y)
    def __bool__(self):
        return self.x != 0 or self.y != 0
a, b = Vec(1, 2), Vec(3, -1)
print(a + b, a - b, a * 3, 2 * b, b / 2, -a)
print(a == Vec(1, 2), a != b, a == "Vec(1, 2)", bool(Vec(0, 0)), bool(a))
print(sum([a, b, Vec(10, 10)]), sum([], Vec(0, 0)))
c = a
c += b
print(c, a, c is a)
