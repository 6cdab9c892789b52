class Animal:
    pass

class Dog(Animal):
    pass

class Puppy(Dog):
    pass

class Robot:
    pass

things = [Puppy(), Dog(), Animal(), Robot(), 3, 2.5, True, "s", None]
for t in things:
    print(isinstance(t, Animal), isinstance(t, (int, float)), isinstance(t, Dog), end=" | ")
print()
print(issubclass(Puppy, Animal), issubclass(Animal, Puppy), issubclass(Dog, (Robot, Animal)))
print(issubclass(bool, int), issubclass(int, object), isinstance(Dog, object))
print(isinstance(True, int), type(True) is int, type(True) is bool)
print(issubclass(ZeroDivisionError, ArithmeticError), issubclass(KeyError, LookupError))
print(issubclass(RecursionError, RuntimeError), issubclass(NotImplementedError, RuntimeError))
print(isinstance([], (tuple, list)), isinstance({}, dict), isinstance(frozenset(), set))
print(type(Puppy()) is Puppy, type(Puppy()) is Dog, type(Puppy()) == Puppy)
