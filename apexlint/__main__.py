from apexlint.cli import main

main()
