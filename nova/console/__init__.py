"""Console proxies: the daemons that carry a user's browser to a guest's
console (nova-novncproxy) once a console auth token allows it."""
