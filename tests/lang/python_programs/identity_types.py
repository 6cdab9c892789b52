a = [1, 2, 3]
b = a
c = list(a)
print(id(a) == id(b), id(a) == id(c), a is b, a is c, a == c)
b.append(4)
print(a, c)
print(type(3) is int, type(3.0) is float, type("s") is str, type([]) is list, type(()) is tuple)
print(type({}) is dict, type(set()) is set, type(None) is type(None), type(1j) is complex)
print(type(True) is bool, type(3) == type(4), type(3) is type(3.0), type(range(1)) is range)
print(type(len) is type(chr), type(lambda: 0) is type(lambda: 1))
x = None
print(x is None, x is not None, x == None)
key = (1, "two", (3.0,))
print(hash(key) == hash((1, "two", (3.0,))), hash(1) == hash(1.0), hash((1, 2)) == hash((1, 2)))
table = {key: "found"}
print(table[(1, "two", (3.0,))])
try:
    hash([1, 2])
except TypeError:
    print("lists are unhashable")

def f():
    return a

print(f() is a, id(f()) == id(a), type(f) is type(f), callable(f))
print(type(type(3)) is type(type("s")), isinstance(type(3), type(int)))
