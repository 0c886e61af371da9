# Scratch space for the batch host in the first zone.
resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 200
  type              = "gp3"
}
