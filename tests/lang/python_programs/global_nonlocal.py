counter, names = 0, []

def bump(by=1):
    global counter
    counter += by
    return counter

def remember(name):
    names.append(name)

def set_new_global():
    global created
    created = "made inside a function"
def outer():
    level = 0
    def middle():
        nonlocal level
        level += 1
        def inner():
            nonlocal level
            level *= 10
        inner()
    middle()
    middle()
    return level

print(bump(), bump(5), counter)
remember("x")
set_new_global()
print(names, created, outer(), counter)
