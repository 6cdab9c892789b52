class Dog:
    species = "canis familiaris"
    tricks_shared = []

    def __init__(self, name, age):
        self.name = name
        self.age = age
        self.tricks = []

    def add_trick(self, trick):
        self.tricks.append(trick)
        Dog.tricks_shared.append(trick)
        return self

    def describe(self):
        return f"{self.name} ({self.age}) knows {', '.join(self.tricks) or 'nothing'}"

rex = Dog("Rex", 3)
fido = Dog("Fido", 5)
trained = rex.add_trick("sit").add_trick("roll")
print(rex.describe(), trained is rex)
print(fido.describe())
print(Dog.tricks_shared, fido.tricks_shared is rex.tricks_shared)
fido.species = "wolf?"
print(fido.species, rex.species, Dog.species)
Dog.species = "dog"
print(rex.species, fido.species)
rex.age += 1
print(rex.age, fido.age)
