from django import template

from ..categories import label

register = template.Library()


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def need_label(code):
    return label(code)
