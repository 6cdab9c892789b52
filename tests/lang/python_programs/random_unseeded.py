import random

values = [random.random() for _ in range(100)]
print(len(values), all(0 <= v < 1 for v in values))
deck = list(range(20))
random.shuffle(deck)
print(sorted(deck) == list(range(20)), len(deck))
picks = [random.randint(3, 5) for _ in range(200)]
print(min(picks) >= 3, max(picks) <= 5, set(picks) <= {3, 4, 5})
choice = random.choice("xyz")
print(choice in "xyz", len(random.sample(range(50), 10)))
state_a = [random.random() for _ in range(3)]
random.seed(7)
first = [random.random() for _ in range(3)]
random.seed(7)
print(first == [random.random() for _ in range(3)], first != state_a)
