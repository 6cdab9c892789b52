class Greeter:
    def __init__(self, greeting):
        self.greeting = greeting

    def greet(self, name):
        return f"{self.greeting}, {name}"

hello = Greeter("Hello").greet
print(hello("Ada"), Greeter.greet(Greeter("Hi"), "Bob"))
print(list(map(Greeter("Yo").greet, ["x", "y"])))
out = []
push = out.append
for ch in "abc":
    push(ch.upper())
print(out, list(map(str.upper, ["a", "b"])), sorted(["b", "A", "c"], key=str.lower))
joiner = ", ".join
print(joiner(["1", "2"]), list(map(" ".join, [["a", "b"], ["c"]])))
lookup = {"k": 1}.get
print(lookup("k"), lookup("z", -1), list(filter(str.isdigit, ["1", "a", "22"])))
methods = [str.strip, str.title, str.swapcase]
print([m("  mixed Case ") for m in methods])
print(callable(hello), callable(Greeter.greet), hello == Greeter("Hello").greet)
