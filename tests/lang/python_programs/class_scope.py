class Config:
    defaults = [1, 2, 3]
    doubled = [d * 2 for d in defaults]
    size = len(defaults)
    label = "config" + str(size)

    def total(self):
        return sum(self.defaults) + self.size

print(Config.doubled, Config.size, Config.label, Config().total())

class Registry:
    entries = []

    def __init__(self, name):
        self.name = name
        Registry.entries.append(name)

    def siblings(self):
        return [e for e in self.entries if e != self.name]

a = Registry("a")
b = Registry("b")
print(Registry.entries, a.siblings(), b.entries is a.entries)
a.entries = ["shadow"]
print(a.entries, b.entries, Registry.entries)
print(hasattr(a, "siblings"), hasattr(Registry, "name"), hasattr(a, "name"))
