"""The benchmark behind `make bench`: the gateway against nginx, direct and hello-world."""
