class Temperature:
    unit = "C"
    count = 0

    def __init__(self, degrees):
        self.degrees = degrees
        Temperature.count += 1

    @classmethod
    def from_fahrenheit(cls, f):
        return cls(round((f - 32) * 5 / 9, 2))

    @staticmethod
    def is_freezing(degrees):
        return degrees <= 0

    def __repr__(self):
        return f"Temperature({self.degrees}{self.unit})"

class Celsius2(Temperature):
    unit = "C2"

t = Temperature.from_fahrenheit(212)
k = Celsius2.from_fahrenheit(50)
print(t, k, type(k) is Celsius2, isinstance(k, Temperature))
print(Temperature.is_freezing(-1), t.is_freezing(t.degrees), Celsius2.is_freezing(0))
print(Temperature.count, Celsius2.count, t.unit, k.unit)
