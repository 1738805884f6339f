"""The petstore command-line tool."""
