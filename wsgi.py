from regulator import create_app

app = create_app()
