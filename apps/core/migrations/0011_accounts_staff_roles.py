"""Staff roles: the groups catalog_managers, order_managers and marketing with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")
ROLES = {
    "catalog_managers": {
        "category": ACTIONS,
        "product": ACTIONS,
        "productimage": ACTIONS,
        "review": ("view", "delete"),
    },
    "order_managers": {
        "order": ("view", "change"),
        "orderline": ("view",),
        "payment": ("view",),
        "shippingmethod": ACTIONS,
        "taxrate": ACTIONS,
    },
    "marketing": {"voucher": ACTIONS, "voucheruse": ("view",)},
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after `migrate` (post_migrate): make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, models in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.add(*permission_model.objects.filter(content_type__app_label="core", codename__in=codenames))


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0010_accounts_verification"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, drop_roles)]
