"""No more "phone call" among the channels: nobody phoned, such members got letters. They are
now what they always got, "letter"."""

from django.db import migrations, models


def phone_to_letter(apps, schema_editor):
    apps.get_model("members", "Member").objects.filter(notify_by="phone").update(notify_by="letter")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_member_name_folded"),
    ]

    operations = [
        migrations.AlterField(
            model_name="member",
            name="notify_by",
            field=models.CharField(
                choices=[("email", "e-mail"), ("sms", "SMS"), ("letter", "letter by post")],
                default="email",
                max_length=10,
                verbose_name="notify by",
            ),
        ),
        migrations.RunPython(phone_to_letter, migrations.RunPython.noop, elidable=True),
    ]
