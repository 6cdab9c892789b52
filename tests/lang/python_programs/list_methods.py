items = [3, 1, 4]
items.append(1)
items.extend([5, 9])
items.insert(0, 2)
items.insert(100, 6)
print(items, len(items))
print(items.pop(), items.pop(0), items)
items.remove(1)
print(items, items.index(4), items.count(1), items.count(7))
items.reverse()
print(items)
items.sort()
print(items)
copy = items.copy()
copy.append(100)
print(items, copy)
nested = [[0] * 2] * 2
fresh = [[0] * 2 for _ in range(2)]
nested[0][0] = fresh[0][0] = 9
print(nested, fresh)
copy.clear()
print(copy, [1, 2] + [3], [1, 2] * 2, [1, 2] == [1, 2], list("abc"))
try:
    items.remove(42)
except ValueError as e:
    print("remove:", e)
try:
    [].pop()
except IndexError as e:
    print("pop:", e)
