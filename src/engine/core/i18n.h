/* i18n.h — gettext for the engine's user-visible messages (domain "carilab"). */
#pragma once

#include <glib/gi18n-lib.h>
