from tensorsh.cli import main

main()
