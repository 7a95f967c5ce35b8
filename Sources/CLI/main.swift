print("hush")
