trail = []
class Base:
    def __init__(self):
        trail.append("Base")
    def hello(self):
        return "base"

class Left(Base):
    def __init__(self):
        trail.append("Left")
        super().__init__()
    def hello(self):
        return "left>" + super().hello()

class Right(Base):
    def __init__(self):
        trail.append("Right")
        super().__init__()
    def hello(self):
        return "right>" + super().hello()

class Child(Left, Right):
    def __init__(self):
        trail.append("Child")
        super().__init__()

c = Child()
print(trail)
print(c.hello())
print(isinstance(c, Right), issubclass(Child, Base), issubclass(Left, Right))
