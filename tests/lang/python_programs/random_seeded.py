import random

random.seed(0)
print(random.random())
print(random.randint(1, 100), random.randint(1, 100))
print(random.choice(["rock", "paper", "scissors"]))
deck = list(range(10))
random.shuffle(deck)
print(deck)
print(random.sample(range(100), 5), round(random.uniform(1, 2), 10))
print(random.randrange(0, 50, 5), random.choices("abc", k=5))
random.seed(0)
again = random.random()
random.seed(0)
print(again == random.random())
random.seed("tensorsh")
print([random.randint(0, 9) for _ in range(8)])
rolls = {}
random.seed(42)
for _ in range(200):
    face = random.randint(1, 6)
    rolls[face] = rolls.get(face, 0) + 1
print(sorted(rolls.items()), sum(rolls.values()))
