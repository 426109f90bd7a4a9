from dialbook.cli import main

main()
