"""Catalog managers may manage variants, option types and option values (contract: staff roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")
MODELS = ("productvariant", "optiontype", "optionvalue")


def grant(apps, schema_editor):
    # Permissions are normally created after `migrate` (post_migrate): make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name="catalog_managers")
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    group.permissions.add(*permission_model.objects.filter(content_type__app_label="core", codename__in=codenames))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="catalog_managers").first()
    if group is not None:
        codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
        group.permissions.remove(*group.permissions.filter(content_type__app_label="core", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("core", "0017_variant_stock_indexes")]

    operations = [migrations.RunPython(grant, revoke)]
