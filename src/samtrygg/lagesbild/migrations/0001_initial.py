# The yearly lägesbild moves from the plans app into its own app. Only Django's state moves: the
# tables keep their names (plans_lagesbild, plans_sourceentry) and their rows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("partnerships", "0002_changerecord_from_plans"),
        ("plans", "0003_changerecord_to_partnerships"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Lagesbild',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('review', 'Under review'), ('adopted', 'Adopted'), ('superseded', 'Superseded')], default='draft', max_length=16, verbose_name='status')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('decision_body', models.CharField(blank=True, max_length=200, verbose_name='decision body')),
                        ('decision_date', models.DateField(blank=True, null=True, verbose_name='decision date')),
                        ('diarienummer', models.CharField(blank=True, max_length=100, verbose_name='registry number')),
                        ('follow_up_date', models.DateField(blank=True, null=True, verbose_name='follow-up date')),
                        ('adopted_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('year', models.PositiveIntegerField(verbose_name='year')),
                        ('period_start', models.DateField(verbose_name='period from')),
                        ('period_end', models.DateField(verbose_name='period to')),
                        ('extent', models.TextField(blank=True, verbose_name='extent and development of crime and disorder')),
                        ('consequences', models.TextField(blank=True, verbose_name='consequences')),
                        ('other_information', models.TextField(blank=True, verbose_name='other relevant information')),
                        ('cause_analysis', models.TextField(blank=True, verbose_name='analysis of causes')),
                        ('figures', models.JSONField(blank=True, default=dict)),
                        ('adopted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('based_on', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='next_versions', to='lagesbild.lagesbild')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lagesbilder', to='partnerships.partnership')),
                    ],
                    options={
                        'verbose_name': 'lägesbild',
                        'verbose_name_plural': 'lägesbilder',
                        'ordering': ['-year', '-version'],
                        'db_table': 'plans_lagesbild',
                        'constraints': [models.UniqueConstraint(fields=('partnership', 'year', 'version'), name='lagesbild_version_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='SourceEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='source')),
                        ('used', models.BooleanField(default=True, verbose_name='used')),
                        ('reason', models.TextField(blank=True, verbose_name='why')),
                        ('limitations', models.TextField(blank=True, verbose_name='what it limits')),
                        ('lagesbild', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sources', to='lagesbild.lagesbild')),
                    ],
                    options={
                        'ordering': ['-used', 'name'],
                        'db_table': 'plans_sourceentry',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
