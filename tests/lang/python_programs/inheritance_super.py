class Shape:
    sides = 0
    def __init__(self, name):
        self.name = name
    def area(self):
        return 0
    def describe(self):
        return f"{self.name} with {self.sides} sides and area {self.area():.2f}"

class Rectangle(Shape):
    sides = 4
    def __init__(self, w, h, name="rectangle"):
        super().__init__(name)
        self.w = w
        self.h = h
    def area(self):
        return self.w * self.h

class Square(Rectangle):
    def __init__(self, side):
        super().__init__(side, side, name="square")
    def describe(self):
        return "SQUARE: " + super().describe()

for s in [Shape("blob"), Rectangle(2, 3.5), Square(3)]:
    print(s.describe())
print(isinstance(Square(1), Rectangle), issubclass(Square, Shape), issubclass(Shape, Square))
