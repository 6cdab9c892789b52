items = [10, 20, 30, 40, 50, 60]
del items[0]
print(items)
del items[-1]
print(items)
del items[1:3]
print(items)
nums = list(range(10))
del nums[::3]
print(nums)
config = {"a": 1, "b": 2, "c": 3}
del config["b"]
print(config, "b" in config)
try:
    del config["zzz"]
except KeyError as e:
    print("cannot delete", e)
temp = "scratch"
del temp
try:
    print(temp)
except NameError as e:
    print("temp is gone:", isinstance(e, NameError))
a, b = 1, 2
del a, b
matrix = [[1, 2], [3, 4]]
del matrix[0][1]
print(matrix)
