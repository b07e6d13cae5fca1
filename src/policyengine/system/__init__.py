"""What policyengine needs of the operating system: files written atomically and logs appended safely
(fileio), signals (interrupts), the garbage collector (gcpause) and pydantic's plugin loading
(pydantic_plugins).
"""
