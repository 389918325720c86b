// The Eclipse Mosquitto client library (Debian: libmosquitto-dev), as Swift sees it.
#include <mosquitto.h>
