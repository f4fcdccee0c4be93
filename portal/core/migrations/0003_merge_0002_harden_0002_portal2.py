
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0002_harden'),
        ('portal', '0002_portal2'),
    ]

    operations = [
    ]
