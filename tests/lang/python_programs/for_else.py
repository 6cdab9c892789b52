def find(items, target):
    for index, item in enumerate(items):
        if item == target:
            print("found", repr(target), "at", index)
            break
    else:
        print(repr(target), "not found")

find([4, 8, 15], 15)
find([4, 8, 15], 16)
find("hello", "l")
find(range(0, 100, 7), 49)
ages = {"ann": 31, "bob": 17, "cid": 45}
for name, age in ages.items():
    if age < 18:
        print("minor:", name)
        break
else:
    print("all adults")
for a, b in zip([1, 2, 3], "xyz"):
    if a == 5:
        break
else:
    print("zip exhausted without break")
for _ in []:
    print("never")
else:
    print("empty loop runs else")
