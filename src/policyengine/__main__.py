from policyengine.cli import main

main()
