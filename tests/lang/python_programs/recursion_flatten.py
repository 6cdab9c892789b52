def flatten(items):
    out = []
    for item in items:
        if isinstance(item, (list, tuple)):
            out.extend(flatten(item))
        else:
            out.append(item)
    return out

print(flatten([1, [2, [3, [4, (5, 6)]], 7], [], [[[]]], 8]))

def depth(items):
    if not isinstance(items, list):
        return 0
    return 1 + max((depth(x) for x in items), default=0)

print(depth([1, [2, [3]], []]), depth([]), depth(5))

def permutations(seq):
    if len(seq) <= 1:
        return [seq]
    result = []
    for i in range(len(seq)):
        for rest in permutations(seq[:i] + seq[i + 1:]):
            result.append(seq[i] + rest)
    return result

print(permutations("abc"))
