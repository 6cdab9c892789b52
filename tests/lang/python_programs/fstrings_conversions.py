name = "Ada"
items = ["x", 'y"z']
value = 3.5

class Tag:
    def __init__(self, label):
        self.label = label

    def __repr__(self):
        return f"Tag({self.label!r})"

    def __str__(self):
        return f"<{self.label}>"

tag = Tag("b")
print(f"{name!r} {name!s} {name}")
print(f"{items!r} {items!s}")
print(f"{tag} {tag!r} {tag!s} {[tag]}")
print(f"{value=}")
print(f"{value = }")
print(f"{name=!s} {name=!r} {value=:.2f} {value=!r:>8}")
print(f"{tag=}")
print(f"{1 + 2 = }")
print(f"{{literal braces}} {name.upper()} {len(items)}")
print(f"{'nested quotes'} {items[1]!r:^12}|")
print(f"{value!s:*<8}|{name!r:>7}|")
