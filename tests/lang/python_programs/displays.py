empty_dict = {}
empty_set = set()
print(empty_dict, empty_set, type(empty_dict) is dict, type(empty_set) is set)
point = {"x": 1, "y": 2, "x": 3}
print(point, len(point))
nested = {"list": [1, 2, {"deep": (3, 4)}], "tuple": (5,), "none": None, "bool": True}
print(nested)
print(nested["list"][2]["deep"][1])
primes = {2, 3, 5, 7, 2, 3}
print(sorted(primes), len(primes), 5 in primes)
mixed_keys = {1: "int", 1.5: "float", (1, 2): "tuple", "s": "str", True: "bool?"}
print(mixed_keys)
print([], (), [[]], ((),), (1,), [1, 2][::-1])
print({frozenset({1, 2}): "fs"}[frozenset({2, 1})])
quote = {"it's": 'say "hi"'}
print(quote, repr("a\nb\tc"), str("a\\b"))
